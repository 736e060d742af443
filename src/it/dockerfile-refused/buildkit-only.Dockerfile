FROM local/busybox:1
COPY --chmod=755 hello.txt /app/hello.txt
RUN <<EOT
echo built by a heredoc > /app/heredoc.txt
EOT
