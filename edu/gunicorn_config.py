"""gunicorn settings shared by `manage.py serve` and the Docker image (``-c python:edu.gunicorn_config``).

The access log names the method, path (no query string, sign-in tokens masked), status, size and
time; not the referer or browser, which can carry the same data.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
logger_class = "edu.logging.PrivateAccessLogger"
