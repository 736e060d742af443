FROM local/busybox:1
RUN echo about to fail && false
