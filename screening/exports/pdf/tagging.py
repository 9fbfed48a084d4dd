"""The summary PDF as a tagged PDF (PDF/UA-1): a structure tree of what the pages say, and
every mark on a page either tagged content or an artifact.

``Tagger`` is driven by ``screening.exports.pdf.layout`` while it draws: ``element(role)``
opens a structure element (``Sect``, ``Table``, ``TR``…), ``content(role)`` wraps drawing in
a marked-content sequence that belongs to a leaf element (``P``, ``H1``, ``TD``…), and
``artifact()`` wraps what is decoration (rules, boxes, running headers and footers,
repeated table headers). ``install()`` gives fpdf2 the finished tree just before output:
fpdf2 then writes it as the catalog's ``StructTreeRoot`` and sets ``MarkInfo``.

fpdf2 (2.8) writes a flat tree of figures only; the tree here is its own PDF objects,
handed to fpdf2 through its ``struct_builder`` hook, and marked content goes into the page
with fpdf2's ``_out``. Both are internal to fpdf2, whose version is pinned in
requirements.txt; tests/test_export_pdf_conformance.py checks the result with a PDF/UA-1
validator and poppler's reading of the tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["Tagger"]


@dataclass(eq=False)
class Node:
    """A structure element: its role, attributes (a PDF dictionary as text) and kids, each
    another element or a marked-content reference (page number, MCID)."""

    role: str
    parent: Node | None
    attributes: str = ""
    kids: list[Node | tuple[int, int]] = field(default_factory=list)

    @property
    def first_page(self) -> int | None:
        """The page of its first content, for the element's /Pg."""
        for kid in self.kids:
            page = kid[0] if isinstance(kid, tuple) else kid.first_page
            if page is not None:
                return page
        return None


class Tagger:
    """Builds the structure tree while a document is drawn (one per document)."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.root = Node("Document", None)
        self.current = self.root
        self.parents: dict[int, list[Node]] = {}  # page → the element of each MCID
        self._open: str | None = None  # the marked content being written, if any

    # ----------------------------------------------------------------- while drawing

    @contextmanager
    def element(self, role: str, attributes: str = "") -> Iterator[Node]:
        """A structure element around what is drawn inside (``Sect``, ``Table``, ``TR``…)."""
        node = Node(role, self.current, attributes)
        self.current.kids.append(node)
        self.current = node
        try:
            yield node
        finally:
            self.current = node.parent or self.root

    @contextmanager
    def inside(self, node: Node) -> Iterator[Node]:
        """Make ``node`` (already in the tree) the current element for a while."""
        before = self.current
        self.current = node
        try:
            yield node
        finally:
            self.current = before

    def leaf(self, role: str, attributes: str = "") -> Node:
        """A new element of the current one, whose content is drawn later (``continued``)."""
        node = Node(role, self.current, attributes)
        self.current.kids.append(node)
        return node

    @contextmanager
    def content(self, role: str | None = None, attributes: str = "") -> Iterator[None]:
        """Tagged content: what is drawn inside belongs to a new ``role`` element (``P``,
        ``H1``, ``TD``…), or to the current element when ``role`` is None."""
        if role is None:
            node = self.current
        else:
            node = Node(role, self.current, attributes)
            self.current.kids.append(node)
        with self._marked(node):
            yield

    @contextmanager
    def continued(self, node: Node) -> Iterator[None]:
        """More content of an element already started (a paragraph on the next page)."""
        with self._marked(node):
            yield

    @contextmanager
    def artifact(self, kind: str = "Layout", subtype: str = "") -> Iterator[None]:
        """Decoration or pagination that is not part of the content."""
        if self._open is not None:  # already inside content: leave it as it is
            yield
            return
        sub = f" /Subtype /{subtype}" if subtype else ""
        self.pdf._out(f"/Artifact <</Type /{kind}{sub}>> BDC")
        self._open = "Artifact"
        try:
            yield
        finally:
            self._open = None
            self.pdf._out("EMC")

    @contextmanager
    def _marked(self, node: Node) -> Iterator[None]:
        if self._open is not None:
            raise RuntimeError(f"marked content inside {self._open}")
        page = self.pdf.page
        owners = self.parents.setdefault(page, [])
        mcid = len(owners)
        owners.append(node)
        node.kids.append((page, mcid))
        self.pdf._out(f"/{node.role} <</MCID {mcid}>> BDC")
        self._open = node.role
        try:
            yield
        finally:
            self._open = None
            self.pdf._out("EMC")
        if self.pdf.page != page:
            raise RuntimeError("a page break inside marked content")

    # ----------------------------------------------------------------- at the end

    def install(self) -> None:
        """Hand the tree to fpdf2 (call once, after the last page is drawn)."""
        objects = _Objects(self.pdf, self.root, self.parents)
        self.pdf.struct_builder = objects  # type: ignore[assignment]
        for index, page in enumerate(sorted(self.parents)):
            self.pdf.pages[page].struct_parents = index


class _Objects:
    """What fpdf2's output expects of ``struct_builder``: ``empty()``, the objects to write
    (the StructTreeRoot first) and ``doc_struct_elem.k`` (elements whose /Pg fpdf2 would
    set: none, the tree sets its own)."""

    def __init__(self, pdf: FPDF, root: Node, parents: dict[int, list[Node]]) -> None:
        from fpdf.syntax import PDFObject

        class Obj(PDFObject):
            """A PDF dictionary object whose entries are built when it is written (the
            references of other objects are known only then)."""

            def __init__(self, build: Any) -> None:
                super().__init__()
                self.build = build

            def serialize(self, obj_dict: Any = None, _security_handler: Any = None) -> str:
                return super().serialize(self.build(), _security_handler)

        self.doc_struct_elem = type("Kids", (), {"k": []})()
        made: dict[int, Obj] = {}
        nodes: list[Node] = []

        def visit(node: Node) -> None:
            nodes.append(node)
            for kid in node.kids:
                if isinstance(kid, Node):
                    visit(kid)

        visit(root)

        def ref(node: Node | None) -> str:
            return made[id(node)].ref if node is not None else tree_root.ref

        def element(node: Node) -> dict[str, str]:
            page = node.first_page
            kids = []
            for kid in node.kids:
                if isinstance(kid, Node):
                    kids.append(ref(kid))
                elif kid[0] == page:
                    kids.append(str(kid[1]))
                else:
                    kids.append(f"<</Type /MCR /Pg {pdf.pages[kid[0]].ref} /MCID {kid[1]}>>")
            out = {"/Type": "/StructElem", "/S": f"/{node.role}", "/P": ref(node.parent)}
            if page is not None:
                out["/Pg"] = pdf.pages[page].ref
            if node.attributes:
                out["/A"] = node.attributes
            out["/K"] = "[" + " ".join(kids) + "]"
            return out

        def nums() -> dict[str, str]:
            entries = [
                f"{index} [{' '.join(ref(n) for n in parents[page])}]"
                for index, page in enumerate(sorted(parents))
            ]
            return {"/Nums": "[" + " ".join(entries) + "]"}

        tree = Obj(nums)
        tree_root = Obj(
            lambda: {
                "/Type": "/StructTreeRoot",
                "/K": ref(root),
                "/ParentTree": tree.ref,
                "/ParentTreeNextKey": str(len(parents)),
            }
        )
        for node in nodes:
            made[id(node)] = Obj(lambda n=node: element(n))
        self._objects = [tree_root, tree, *(made[id(n)] for n in nodes)]
        self.struct_tree_root = tree_root

    def empty(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        return iter(self._objects)
