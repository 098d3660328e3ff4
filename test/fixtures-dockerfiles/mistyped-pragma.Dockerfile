# image-hygiene ignore=latest-tags legacy base, tracked in JIRA-42
FROM centos
# image-hygiene ignore=unpinned_base
FROM rockylinux:9
# image-hygiene ignore=root-user,apt-update-alone this stage only builds
RUN dnf makecache
USER root
