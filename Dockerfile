# archscan as a container: `docker run --rm -v "$PWD:/work" archscan plan plan.json`
# Build stage: turn the source and its dependencies into wheels.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scanner ./scanner
COPY policies ./policies
COPY rules ./rules
COPY baselines ./baselines
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels .

# Final stage: only the installed wheels, no compilers or sources, a non-root user.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin archscan
COPY --from=build /wheels /tmp/wheels
RUN python -m pip install --no-cache-dir --no-index --find-links=/tmp/wheels archscan \
    && rm -rf /tmp/wheels
USER archscan
WORKDIR /work
ENTRYPOINT ["archscan"]
CMD ["--help"]
