#!/bin/sh
cat /app/hello.txt /app/lib/dependency.txt
