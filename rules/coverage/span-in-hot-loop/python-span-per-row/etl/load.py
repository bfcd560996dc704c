from ddtrace import tracer


def transform(rows, schema):
    out = []
    for row in rows:
        with tracer.trace("etl.transform_row", resource="transform"):  # expect: span-in-hot-loop
            out.append(schema.coerce(row))
    return out


def export_pages(api, cursor):
    while cursor:
        span = tracer.trace("etl.export_page")  # expect: span-in-hot-loop
        page = api.fetch(cursor)
        cursor = page.next_cursor
        span.finish()
