/* Lists the identities of the SSH agent at $SSH_AUTH_SOCK: the number of keys, then each key's
   comment on a line. A static stand-in for `ssh-add -l` in an image that has no ssh-add. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int readn(int fd, unsigned char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

static unsigned long be32(const unsigned char *p) {
  return ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) | ((unsigned long)p[2] << 8) | p[3];
}

int main(void) {
  const char *path = getenv("SSH_AUTH_SOCK");
  if (path == NULL) { fprintf(stderr, "SSH_AUTH_SOCK is not set\n"); return 2; }
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); return 3; }
  const unsigned char request[] = {0, 0, 0, 1, 11}; /* SSH_AGENTC_REQUEST_IDENTITIES */
  if (write(fd, request, sizeof request) != (ssize_t)sizeof request) { perror("write"); return 4; }
  unsigned char head[4];
  if (readn(fd, head, 4) != 0) { fprintf(stderr, "no answer\n"); return 5; }
  unsigned long length = be32(head);
  unsigned char *body = malloc(length);
  if (body == NULL || length < 5 || readn(fd, body, length) != 0 || body[0] != 12) { fprintf(stderr, "bad answer\n"); return 6; }
  unsigned long keys = be32(body + 1), at = 5;
  printf("agent keys: %lu\n", keys);
  for (unsigned long i = 0; i < keys; i++) {
    if (at + 4 > length) return 7;
    at += 4 + be32(body + at); /* the key blob */
    if (at + 4 > length) return 7;
    unsigned long n = be32(body + at);
    at += 4;
    if (at + n > length) return 7;
    printf("agent key: %.*s\n", (int)n, (const char *)(body + at));
    at += n;
  }
  return 0;
}
