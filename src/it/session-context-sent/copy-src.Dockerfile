FROM local/busybox:1
COPY src/ /app/
