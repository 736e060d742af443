FROM local/busybox:1
COPY hello.txt /app/hello.txt
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc cat /root/.npmrc > /dev/null
