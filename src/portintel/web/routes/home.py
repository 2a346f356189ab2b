"""The home page: my drafts, reports awaiting evaluation, alerts placeholder."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from portintel.web.authentication import Principal, page_principal
from portintel.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, principal: Principal = Depends(page_principal)) -> Response:
    return render(request, "home.html", {"drafts": [], "awaiting": []})
