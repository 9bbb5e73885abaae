# Image of the Amazon Seller Partner source connector (Airbyte protocol: spec/check/discover/read).
# The default base is Airbyte's Python 3.11 connector base, pinned by digest. tools/build_image.sh
# swaps in a local Debian bookworm base (--build-arg BASE_IMAGE=...) where no registry is reachable,
# so nothing below may assume more than both bases have: python3 3.11 with venv and pip.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73
FROM ${BASE_IMAGE}

# Airbyte's base may end as its unprivileged user: installing needs root, running does not.
USER root
WORKDIR /airbyte/integration_code

# A venv of our own: independent of whatever the base installed system-wide (and of PEP 668).
ENV VIRTUAL_ENV=/opt/venv
ENV PATH=/opt/venv/bin:$PATH

# pip settings for the build machine's index (proxy, timeout, CA) arrive as an optional build secret
# mounted at /etc/pip.conf: used by the pip runs below, absent from the image and its history.

# Dependencies first, in their own layer, so a source change rebuilds in seconds.
# They are exactly poetry.lock's main group, hash-checked; pip evaluates each entry's markers
# (e.g. the numpy pinned for python 3.11 vs 3.12) against the image's interpreter.
COPY pyproject.toml poetry.lock ./
RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf \
    python3 -m venv /opt/venv \
 && /opt/venv/bin/python -c 'import tomllib; \
lock = tomllib.load(open("poetry.lock", "rb")); \
main_marker = lambda p: \
    p["markers"].get("main") if isinstance(p.get("markers"), dict) else p.get("markers"); \
line = lambda p: \
    p["name"] + "==" + p["version"] \
    + (" ; " + main_marker(p) if main_marker(p) else "") \
    + "".join(" --hash=" + f["hash"] for f in p["files"]); \
print("\n".join(line(p) for p in lock["package"] if "main" in p["groups"]))' \
    > /tmp/locked-requirements.txt \
 && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps --require-hashes \
        -r /tmp/locked-requirements.txt \
 && rm /tmp/locked-requirements.txt

# The package itself; `pip check` fails the build if pyproject.toml asks for anything the lock lacks.
COPY README.md ./
COPY source_amazon_seller_partner ./source_amazon_seller_partner
RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf \
    /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps . \
 && /opt/venv/bin/pip check

# Run unprivileged, as Airbyte's images do (its base already has this user; the local one does not).
RUN id -u airbyte >/dev/null 2>&1 || useradd --uid 1000 --user-group --no-create-home airbyte
USER airbyte

ENV AIRBYTE_ENTRYPOINT="source-amazon-seller-partner"
ENTRYPOINT ["source-amazon-seller-partner"]

LABEL io.airbyte.name="source-amazon-seller-partner-plus"
LABEL io.airbyte.version="0.1.0"
