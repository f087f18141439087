# What the tests use for python:3.12-slim, which no registry may provide here:
# the debootstrap base image with `python` and `pip` on PATH (a virtualenv), and
# pip installing from the wheelhouse of the run (no index) rather than PyPI.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN python3 -m venv /usr/local/python
ENV PATH=/usr/local/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PIP_NO_INDEX=1 \
    PIP_FIND_LINKS=/wheels \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8
COPY . /wheels
