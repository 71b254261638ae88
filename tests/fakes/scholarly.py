"""Fake OpenAlex, Semantic Scholar, arXiv, DBLP and ORCID on one 127.0.0.1 port, for the real clients.

    with FakeScholarly() as fake:
        settings.sources = fake.settings()           # every source's base URL points here
        fake.fail("openalex", 429, retry_after=0.1)  # the next OpenAlex request is refused once
        fake.merge("A5009", "A5001")                 # /authors/A5009 answers 301 to A5001
        fake.publish("A5001", FakeWork(...))         # a new paper, for refresh

Paths: /openalex/..., /s2/graph/v1/..., /arxiv/api/query, /dblp/..., /orcid/v3.0/... Each answers in the
shape its public API documents (see scholarly_world). ``requests`` records (source, path, query, headers).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import defaultdict, deque
from typing import Any

from aiohttp import web

from bot.knowledge.names import fold
from tests.fakes import scholarly_world as shapes
from tests.fakes.scholarly_world import FakePerson, FakeWork


class FakeScholarly:
    def __init__(self) -> None:
        self.people: list[FakePerson] = shapes.people()
        self.redirects: dict[str, str] = {}
        self.requests: list[tuple[str, str, dict, dict]] = []
        self._failures: dict[str, deque] = defaultdict(deque)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- scripting -----------------------------------------------------------------------------------------
    def fail(self, source: str, status: int, retry_after: float | None = None, times: int = 1) -> None:
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        self._failures[source].extend([(status, headers)] * times)

    def merge(self, old: str, new: str) -> None:
        self.redirects[old] = new

    def publish(self, openalex_id: str, work: FakeWork) -> None:
        next(p for p in self.people if p.openalex == openalex_id).works.insert(0, work)

    def count(self, source: str) -> int:
        return sum(1 for r in self.requests if r[0] == source)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, **overrides: Any):
        from bot.settings import SourcesSettings

        values = {"openalex_url": f"{self.base}/openalex", "openalex_api_key": "oa-test-key",
                  "email": "recruiting@example.org", "semanticscholar_url": f"{self.base}/s2",
                  "arxiv_url": f"{self.base}/arxiv/api/query", "arxiv_delay_s": 0, "dblp_url": f"{self.base}/dblp",
                  "orcid_url": f"{self.base}/orcid/v3.0", "timeout_s": 5, "max_retries": 2, "max_wait_s": 5}
        return SourcesSettings(**{**values, **overrides})

    # -- lifecycle -----------------------------------------------------------------------------------------
    def __enter__(self) -> "FakeScholarly":
        started = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._serve())
            started.set()
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-scholarly", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake scholarly server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    async def _serve(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        routes = [("/openalex/authors", self._oa_authors), ("/openalex/authors/{id}", self._oa_author),
                  ("/openalex/works", self._oa_works), ("/s2/graph/v1/author/search", self._s2_search),
                  ("/s2/graph/v1/author/{id}", self._s2_author), ("/s2/graph/v1/author/{id}/papers", self._s2_papers),
                  ("/arxiv/api/query", self._arxiv), ("/dblp/search/author/api", self._dblp_search),
                  ("/dblp/pid/{pid:.+}.bib", self._dblp_bib), ("/orcid/v3.0/expanded-search/", self._orcid_search),
                  ("/orcid/v3.0/{orcid}/works", self._orcid_works), ("/orcid/v3.0/{orcid}/person", self._orcid_person)]
        for path, handler in routes:
            app.router.add_get(path, handler)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    @web.middleware
    async def _middleware(self, request: web.Request, handler):
        source = request.path.strip("/").split("/")[0]
        self.requests.append((source, request.path, dict(request.query), dict(request.headers)))
        if self._failures[source]:
            status, headers = self._failures[source].popleft()
            return web.json_response({"error": "scripted failure", "message": "scripted failure"}, status=status,
                                     headers=headers)
        return await handler(request)

    def _named(self, query: str) -> list[FakePerson]:
        wanted = set(fold(query).split())
        return [p for p in self.people if wanted <= set(fold(p.name).split())]

    # -- OpenAlex --------------------------------------------------------------------------------------------
    async def _oa_authors(self, request: web.Request) -> web.Response:
        found = self._named(request.query.get("search", ""))[: int(request.query.get("per-page", 25))]
        return web.json_response({"meta": {"count": len(found), "page": 1, "per_page": 25},
                                  "results": [shapes.openalex_author(p) for p in found]})

    async def _oa_author(self, request: web.Request) -> web.Response:
        wanted = request.match_info["id"]
        if wanted in self.redirects:
            raise web.HTTPMovedPermanently(f"/openalex/authors/{self.redirects[wanted]}")
        person = next((p for p in self.people if p.openalex == wanted), None)
        if person is None:
            return web.json_response({"error": "Not found"}, status=404)
        return web.json_response(shapes.openalex_author(person))

    async def _oa_works(self, request: web.Request) -> web.Response:
        match = re.search(r"author\.id:(\w+)", request.query.get("filter", ""))
        person = next((p for p in self.people if match and p.openalex == match.group(1)), None)
        works = list(person.works) if person else []
        sort = request.query.get("sort", "")
        if sort.startswith("cited_by_count"):
            works.sort(key=lambda w: -w.citations)
        elif sort.startswith("publication_year"):
            works.sort(key=lambda w: -w.year)
        per_page = int(request.query.get("per-page", 25))
        cursor = request.query.get("cursor")
        start = 0 if cursor in (None, "*") else int(cursor)
        page = works[start:start + per_page]
        more = cursor is not None and start + per_page < len(works)
        return web.json_response({"meta": {"count": len(works), "page": 1 if cursor is None else None,
                                           "per_page": per_page, "next_cursor": str(start + per_page) if more else None},
                                  "results": [shapes.openalex_work(person, w) for w in page]})

    # -- Semantic Scholar --------------------------------------------------------------------------------------
    @staticmethod
    def _page(items: list, request: web.Request) -> dict:
        offset, limit = int(request.query.get("offset", 0)), int(request.query.get("limit", 100))
        page = {"offset": offset, "data": items[offset:offset + limit]}
        if offset + limit < len(items):
            page["next"] = offset + limit
        return page

    async def _s2_search(self, request: web.Request) -> web.Response:
        found = self._named(request.query.get("query", ""))
        with_papers = "papers" in request.query.get("fields", "")
        return web.json_response({"total": len(found), **self._page([shapes.s2_author(p, with_papers) for p in found],
                                                                    request)})

    async def _s2_author(self, request: web.Request) -> web.Response:
        person = next((p for p in self.people if p.s2 == request.match_info["id"]), None)
        if person is None:
            return web.json_response({"error": "Author not found"}, status=404)
        return web.json_response(shapes.s2_author(person, False))

    async def _s2_papers(self, request: web.Request) -> web.Response:
        person = next((p for p in self.people if p.s2 == request.match_info["id"]), None)
        papers = [shapes.s2_paper(person, w) for w in person.works] if person else []
        return web.json_response(self._page(papers, request))

    # -- arXiv -----------------------------------------------------------------------------------------------
    async def _arxiv(self, request: web.Request) -> web.Response:
        match = re.search(r'au:"([^"]+)"', request.query.get("search_query", ""))
        entries = [shapes.arxiv_entry(p, w) for p in self._named(match.group(1) if match else "") for w in p.works]
        start, size = int(request.query.get("start", 0)), int(request.query.get("max_results", 100))
        return web.Response(text=shapes.arxiv_feed(entries[start:start + size], len(entries), start),
                            content_type="application/atom+xml")

    # -- DBLP ------------------------------------------------------------------------------------------------
    async def _dblp_search(self, request: web.Request) -> web.Response:
        found = self._named(request.query.get("q", ""))
        hits = [shapes.dblp_hit(p, i + 1) for i, p in enumerate(found)]
        return web.json_response({"result": {"hits": {"@total": str(len(hits)), "@sent": str(len(hits)),
                                                      "hit": hits}}})

    async def _dblp_bib(self, request: web.Request) -> web.Response:
        for i, p in enumerate(self.people):
            if p.dblp == request.match_info["pid"]:
                number = [q for q in self.people if q.name == p.name].index(p) + 1
                return web.Response(text=shapes.dblp_bibtex(p, number), content_type="application/x-bibtex")
        return web.Response(status=404, text="not found")

    # -- ORCID -----------------------------------------------------------------------------------------------
    async def _orcid_search(self, request: web.Request) -> web.Response:
        found = [p for p in self._named(request.query.get("q", "")) if p.orcid]
        return web.json_response({"expanded-result": [shapes.orcid_row(p) for p in found], "num-found": len(found)})

    def _orcid_person_of(self, request: web.Request) -> FakePerson | None:
        return next((p for p in self.people if p.orcid == request.match_info["orcid"]), None)

    async def _orcid_works(self, request: web.Request) -> web.Response:
        person = self._orcid_person_of(request)
        return web.json_response(shapes.orcid_works(person) if person else {"group": []})

    async def _orcid_person(self, request: web.Request) -> web.Response:
        person = self._orcid_person_of(request)
        if person is None:
            return web.json_response({"error": "not found"}, status=404)
        given, _, family = person.name.partition(" ")
        return web.json_response({"name": {"given-names": {"value": given}, "family-name": {"value": family}}})
