FROM
ENV
ENV A
ENV =
ENV A="unterminated
ARG
CMD ["x", 
ENTRYPOINT [
RUN \
\
\
CMD ["\u00"]
LABEL a=b c
# syntax=
HEALTHCHECK CMD
SHELL []
