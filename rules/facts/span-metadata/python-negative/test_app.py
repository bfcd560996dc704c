from ddtrace import tracer


def test_checkout():
    with tracer.trace("test.op", resource="x") as span:
        span.set_tag("test.tag", 1)
