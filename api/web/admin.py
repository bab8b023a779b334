"""Pages: admin (being built)."""

from fastapi import APIRouter, Depends

from api.web.session import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)])
