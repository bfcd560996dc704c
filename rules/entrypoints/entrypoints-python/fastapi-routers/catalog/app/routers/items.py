from typing import Optional

from fastapi import APIRouter, Depends

from app.deps import get_db

router = APIRouter(prefix="/v1/items")


@router.get("")  # expect: entrypoints-python
async def list_items(db=Depends(get_db), limit: Optional[int] = 50):
    return await db.fetch_items(limit=limit)


@router.get("/{item_id}")  # expect: entrypoints-python
async def get_item(item_id: int, db=Depends(get_db)):
    return await db.fetch_item(item_id)


@router.put(  # expect: entrypoints-python
    "/{item_id}",
    status_code=200,
)
async def update_item(item_id: int, db=Depends(get_db)):
    return await db.update_item(item_id)
