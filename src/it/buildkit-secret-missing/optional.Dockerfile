FROM local/busybox:1
RUN --mount=type=secret,id=npmrc if [ -e /run/secrets/npmrc ]; then echo "npmrc is mounted"; else echo "no npmrc: the step ran without it"; fi
