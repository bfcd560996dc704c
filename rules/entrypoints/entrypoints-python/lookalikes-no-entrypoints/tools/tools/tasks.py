from invoke import task


@task
def build(c):
    c.run("python -m build")


@task(pre=[build])
def release(c, version="0.0.0"):
    c.run(f"twine upload dist/*{version}*")
