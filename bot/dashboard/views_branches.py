"""Cabang: the branch directory on the dashboard, for managers only (``bot.branch_admin`` does
the work).

``/cabang`` lists the branches with their service area, address, phone, linked staff groups and
the latest changes; ``/cabang/<code>`` shows one branch with its forms (POST, CSRF token):
``/ubah`` saves name, address, phone and whether it is verified, ``/wilayah`` moves a regency to
the branch, ``/kode`` makes a one-time link code (shown once, on the response, never stored in
clear). Each change is recorded with the manager (``akun:<username>``) and the time, and listed
on the page. ``/api/cabang`` is the JSON twin of the list. A running bot routes with a change
within ``bot.routing.DIRECTORY_CHECK_SECONDS`` (``DirectoryWatcher``); ``cabang cari`` at once.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot import branch_admin, stats
from bot.branch_admin import BranchEdit, BranchEntry, ChangeRefused
from bot.dashboard import keys, pages_branches
from bot.dashboard.pages_branches import (
    ADDRESS_FIELD,
    NAME_FIELD,
    PHONE_FIELD,
    REGENCY_FIELD,
    VERIFIED_FIELD,
)
from bot.dashboard.params import parse_result
from bot.dashboard.views import json_response, manager_of, now_of, plain
from bot.dashboard.views_auth import redirect

# A branch code as the import accepts it (bot.geo.csvio): 1-40 letters, digits, ".", "_", "-".
BRANCH = "/cabang/{code:[A-Za-z0-9][A-Za-z0-9._-]{0,39}}"


async def branches_page(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    db = request.app[keys.DB]
    async with db.transaction() as uow:
        names = await stats.names(uow)
        branches = await branch_admin.list_branches(uow)
        changes = await branch_admin.recent_changes(uow)
    return pages_branches.branch_list(
        request, branches, changes, names.branches, names.provinces,
    )


async def api_branches(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    async with request.app[keys.DB].transaction() as uow:
        branches = await branch_admin.list_branches(uow)
        changes = await branch_admin.recent_changes(uow)
    return json_response({"branches": plain(branches), "changes": plain(changes)})


async def branch_page(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    result = parse_result(request.query, pages_branches.RESULTS)
    regency_name = ""
    if result == "moved":
        code = request.query.get(REGENCY_FIELD, "")
        async with request.app[keys.DB].transaction() as uow:
            regency_name = next((r.name for r in await branch_admin.all_regencies(
                uow) if r.code == code), code)
    return await _detail(request, result=result, regency_name=regency_name)


async def edit_branch(request: web.Request) -> web.StreamResponse:
    account = manager_of(request)
    form = await request.post()
    edit = BranchEdit(
        name=_text(form.get(NAME_FIELD)), address=_text(form.get(ADDRESS_FIELD)),
        phone=_text(form.get(PHONE_FIELD)), verified=form.get(VERIFIED_FIELD) == "1",
    )
    try:
        async with request.app[keys.DB].transaction() as uow:
            await branch_admin.edit_branch(uow, _code(request), edit,
                                           actor=account.actor, now=now_of(request))
    except ChangeRefused as refused:
        return await _refused(request, refused)
    return redirect(f"/cabang/{_code(request)}?hasil=saved")


async def move_regency(request: web.Request) -> web.StreamResponse:
    account = manager_of(request)
    form = await request.post()
    regency = _text(form.get(REGENCY_FIELD))
    try:
        async with request.app[keys.DB].transaction() as uow:
            await branch_admin.move_regency(uow, regency, _code(request),
                                            actor=account.actor, now=now_of(request))
    except ChangeRefused as refused:
        return await _refused(request, refused)
    query = urlencode({"hasil": "moved", REGENCY_FIELD: regency})
    return redirect(f"/cabang/{_code(request)}?{query}")


async def link_code(request: web.Request) -> web.StreamResponse:
    """The code is shown on this response only (no redirect: it must not land in a URL)."""
    account = manager_of(request)
    try:
        async with request.app[keys.DB].transaction() as uow:
            code = await branch_admin.make_link_code(uow, _code(request),
                                                     actor=account.actor, now=now_of(request))
    except ChangeRefused as refused:
        return await _refused(request, refused)
    return await _detail(request, link_code=code)


# --- helpers --------------------------------------------------------------------------------


async def _detail(
    request: web.Request, *, status: int = 200, result: str | None = None,
    regency_name: str = "", refusal: str | None = None, link_code: str | None = None,
) -> web.Response:
    db = request.app[keys.DB]
    branch = await _branch(request)
    async with db.transaction() as uow:
        regencies = await branch_admin.all_regencies(uow)
    # Regencies of the branch's province that another branch serves, by name.
    movable = sorted(
        (r for r in regencies
         if r.branch_code != branch.code and r.province_code == branch.province_code),
        key=lambda r: r.name,
    )
    async with db.transaction() as uow:
        names = await stats.names(uow)
    async with db.transaction() as uow:
        return pages_branches.branch_detail(
            request, branch, movable, await branch_admin.recent_changes(uow, branch.code),
            names.branches, result=result, regency_name=regency_name, refusal=refusal,
            link_code=link_code, status=status,
        )


async def _refused(request: web.Request, refused: ChangeRefused) -> web.Response:
    if refused.refusal == branch_admin.Refusal.UNKNOWN_BRANCH:
        raise web.HTTPNotFound()
    return await _detail(request, refusal=refused.refusal.value, status=400)


async def _branch(request: web.Request) -> BranchEntry:
    code = _code(request)
    async with request.app[keys.DB].transaction() as uow:
        branches = await branch_admin.list_branches(uow)
    for branch in branches:
        if branch.code == code:
            return branch
    raise web.HTTPNotFound()


def _code(request: web.Request) -> str:
    return request.match_info["code"]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
