FROM localhost:5000/team/app:1.2
FROM localhost:5000/base
FROM 127.0.0.1:5000/tools:latest
FROM internal.registry/platform/runtime/python:3.12
FROM registry.example.com:8443/acme/web:2.0@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804
FROM ghcr.io/acme/app:1.0
