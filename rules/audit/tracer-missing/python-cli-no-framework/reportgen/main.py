import click
import requests
from jinja2 import Template

TEMPLATE = Template("{% for r in rows %}{{ r.name }}: {{ r.total }}\n{% endfor %}")


@click.command()
@click.option("--api", default="http://orders.internal/api/report")
def main(api):
    rows = requests.get(api, timeout=10).json()
    click.echo(TEMPLATE.render(rows=rows))


if __name__ == "__main__":
    main()
