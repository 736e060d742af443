FROM local/busybox:1
COPY . /app/
