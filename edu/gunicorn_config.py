"""gunicorn settings shared by `manage.py serve` and the Docker image (``-c python:edu.gunicorn_config``).

The access log names the method, path (no query string, sign-in tokens masked), status, size and
time; not the referer or browser, which can carry the same data.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
logger_class = "edu.logging.PrivateAccessLogger"

# Request-size limits for `manage.py serve` and the Docker image: the request line, the number of
# header fields and the size of each. Bodies are limited by Django while they stream
# (edu.uploads.SizeLimitedUploadHandler, DATA_UPLOAD_MAX_*) and, in production, by the proxy.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
