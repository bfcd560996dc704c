from functools import lru_cache

from app.db import Database


@lru_cache
def settings():
    return {"dsn": "postgresql://catalog@db/catalog"}


async def get_db():
    db = Database(settings()["dsn"])
    try:
        yield db
    finally:
        await db.close()
