import functools

import click

from tools.registry import registry


def retry(times):
    def wrap(f):
        @functools.wraps(f)
        def inner(*args, **kwargs):
            for _ in range(times - 1):
                try:
                    return f(*args, **kwargs)
                except Exception:
                    pass
            return f(*args, **kwargs)

        return inner

    return wrap


@click.group()
def cli():
    pass


@cli.command("sync")
@click.option("--dry-run", is_flag=True)
@retry(3)
def sync(dry_run):
    click.echo("syncing")


@registry.get("exporter")
def exporter():
    return "csv"


def path(*parts):
    return "/".join(parts)


ROUTES = [path("users", "list"), path("users", "detail")]


def poll(queue):
    while True:
        item = queue.receive_message()
        if item is None:
            break
