FROM local/busybox:1
RUN --mount=type=secret,id=npmrc,required cat /run/secrets/npmrc > /dev/null
