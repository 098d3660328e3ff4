FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf makecache
RUN microdnf install -y shadow-utils && microdnf clean all

FROM quay.io/centos/centos:stream9 AS builder
RUN yum -y makecache fast && yum -y install gcc make
RUN dnf check-update || true
RUN dnf -y --setopt=install_weak_deps=False install git
USER 1001
