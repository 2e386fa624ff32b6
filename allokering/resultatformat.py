"""The result of a run (RESULT.json, format ``allokering-resultat/1``) as typed models: the schema of
docs/resultatformat.md.

``allokering.forklaring.lag_resultat`` builds a ``Resultat``; ``allokering.kjoring.kjor`` and ``forslag`` return
it; the JSON and Excel writers, the summary, the vedtaksbrev and the API read its attributes. The field names are
the JSON keys (English, a stable machine contract); the values from the code lists are Norwegian.

Writing and reading:

- ``Resultat.som_json()`` gives the JSON form (a dict in the documented key order) that ``skriv_json`` writes and
  the API stores; ``Resultat.model_validate(json_dict)`` reads it back (from a file or the database). The round
  trip is exact: the same dict, so the same bytes (``tests/allokering/test_resultatformat_modell.py``).
- Fields that exist only for some outcomes (``requires_new_vedtak``, ``missing_fields``, ``unit_id``,
  ``start_day``, ``end_day`` in ``explanations[]``) are None when absent and are then left out of the JSON, as the
  document's column «Finnes» says.
- Numbers keep their JSON type: ``time_limit_s`` is ``int | float`` so a whole number given by the caller stays
  an integer in the file.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RESULTATFORMAT = "allokering-resultat/1"


def mangler(v: object) -> bool:
    """A field that exists only for some outcomes is left out of the JSON when it is None."""
    return v is None


def _uten_klassebeskrivelse(skjema: dict[str, Any]) -> None:
    """The class docstrings are for developers (English, with code names); the schema users read in /docs
    and from ``allokering resultat-skjema`` carries only the field descriptions, which are bokmål."""
    skjema.pop("description", None)


class _Del(BaseModel):
    """Common configuration: unknown keys are an error (the format is a contract), attribute docstrings are the
    field descriptions in /openapi.json (bokmål); class docstrings stay out of the schema."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, json_schema_extra=_uten_klassebeskrivelse)


class Kommune(_Del):
    """``municipality``: the municipality and its rule profile."""

    number: str
    """Kommunenummer (fire siffer)."""
    name: str
    rule_profile: str
    """Regelprofilens id: ``sandefjord``, ``tvedestrand`` eller en egendefinert profil."""


class Maalverdi(_Del):
    """``objective.*``: one lexicographic level summed over the place families."""

    value: int
    bound: int
    proven: bool


class Parametre(_Del):
    """``parameters``: the solver parameters of the run."""

    time_limit_s: int | float
    """Tidsgrense per plassfamilie i sekunder (heltall når det ble gitt som heltall)."""
    workers: int
    seed: int
    deterministic: bool


class Vekter(_Del):
    """``weights``: the priority weights of the rule profile."""

    nytte: int
    ressurs: int
    alvorlighet: int
    mestring: int
    ukp_per_dogn_kostnad: int
    ventetid_tiebreak_maks: int


class Prioriteringsregel(_Del):
    """``priority_rules[]``: how the priority components are combined in one place family."""

    family: str
    combination: Literal["vektet", "leksikografisk"]
    precedence: list[str]
    source: str
    text_nb: str


class Familienivaa(_Del):
    """``families[].levels[]``: one level of the objective in one family."""

    name: str
    value: int
    bound: int
    proven: bool


class Plassfamilie(_Del):
    """``families[]``: how one place family was solved."""

    family: str
    status: Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"]
    levels: list[Familienivaa]
    seconds: float
    candidates: int
    method: str
    """``gradig``, ``lp`` eller ``cp-sat``, med forstavelsen ``samlet:`` for familier løst i én felles modell."""
    canonical: bool = False
    """Skrives alltid; standardverdien lar resultater lagret før feltet fantes (4.12.2026) leses."""


class Periode(_Del):
    """``assignments[].periods[]``: one period (inclusive days) a søker uses the place."""

    start_day: int
    end_day: int
    start_date: str
    """ISO 8601-dato."""
    end_date: str
    """ISO 8601-dato."""


class Tildeling(_Del):
    """``assignments[]``: one placed søker."""

    applicant_id: str
    unit_id: str
    institution_id: str
    place_type: str
    start_day: int
    end_day: int
    start_date: str
    end_date: str
    open_ended: bool
    periods: list[Periode]
    shares_flat_with: str | None
    move: bool
    move_from_unit: str | None
    priority: int
    together_with: str | None


class Ventende(_Del):
    """``waiting_list[]``: one søker on the waiting list, in priority order."""

    position: int
    applicant_id: str
    service: str
    priority: int
    priority_points: int
    waiting_days: int
    district: str


class Regelutfall(_Del):
    """``explanations[].rules[]``: one rule assessed for the søker (or for a unit's place type)."""

    rule_id: str
    status: Literal["oppfylt", "ikke_oppfylt", "mangler_opplysninger"]
    section: str
    legal_basis: str
    place_type: str | None
    missing_fields: list[str]
    applies: bool = True
    """Skrives alltid; standardverdien lar resultater lagret før feltet fantes (4.12.2026) leses."""
    text_nb: str


class Kilder(_Del):
    """``explanations[].priority.kilder``: where each component comes from (``saksbehandler`` or ``avledet``)."""

    nytte: str
    ressurs: str
    alvorlighet: str
    mestring: str


class Forrangsnivaa(_Del):
    """``explanations[].priority.forrang[]``: a precedence level and the søker's value."""

    nivaa: str
    verdi: int


class Prioritet(_Del):
    """``explanations[].priority``: the priority components of a søker."""

    nytte: int
    ressurs: int
    alvorlighet: int
    mestring: int
    kilder: Kilder
    hjelpebehov: int
    ukp: bool
    ventedager: int
    kombinasjon: Literal["vektet", "leksikografisk"]
    forrang: list[Forrangsnivaa]
    poeng: int
    total: int


class Forbigaatt(_Del):
    """``explanations[].outranked_by[]``: a placed søker who got a place the waiting søker could have had."""

    applicant_id: str
    unit_id: str
    priority: int


class EkstraPlass(_Del):
    """``explanations[].counterfactual``: one more place on this unit would have placed the søker."""

    extra_place_in_unit: str


class PrioritetOver(_Del):
    """``explanations[].counterfactual``: a priority above this value would have placed the søker."""

    priority_needed_above: int


class Laaskostnad(_Del):
    """``explanations[].lock_costs[]``: a lock of the meeting that displaces the søker."""

    applicant_id: str
    unit_id: str | None
    type: str
    price_level1: int


Utfall = Literal[
    "tildelt", "venteliste", "ikke_kvalifisert", "mangler_opplysninger", "takket_nei", "ingen_ledig_akuttplass"
]


class Forklaring(_Del):
    """``explanations[]``: the outcome and reasoning for one søker. The field order is the JSON's key order;
    the fields that exist only for some outcomes are None otherwise and left out of the JSON."""

    applicant_id: str
    service: str
    rules: list[Regelutfall]
    priority: Prioritet
    outranked_by: list[Forbigaatt]
    counterfactual: EkstraPlass | PrioritetOver | None
    requires_new_vedtak: bool | None = Field(default=None, exclude_if=mangler)
    """Bare når ``outcome`` = ``tildelt``."""
    outcome: Utfall
    missing_fields: list[str] | None = Field(default=None, exclude_if=mangler)
    """Bare når ``outcome`` = ``mangler_opplysninger``."""
    unit_id: str | None = Field(default=None, exclude_if=mangler)
    """Bare når ``outcome`` = ``tildelt``."""
    start_day: int | None = Field(default=None, exclude_if=mangler)
    """Bare når ``outcome`` = ``tildelt``."""
    end_day: int | None = Field(default=None, exclude_if=mangler)
    """Bare når ``outcome`` = ``tildelt``."""
    text_nb: str
    """Begrunnelsen på bokmål."""
    lock_costs: list[Laaskostnad] = Field(default_factory=list)


class Ektepar(_Del):
    """``couples[]``: a couple where both are søkere in the case."""

    applicant_ids: list[str]
    together: bool
    split: bool
    cost_to_keep_together: int | None
    cost_known: bool


class Laas(_Del):
    """``locks[]``: a lock from the allocation meeting and its price at level 1 (``allokering.laaspriser``)."""

    applicant_id: str
    type: Literal["tildel", "ikke_tildel"]
    unit_id: str | None
    reason: str
    locked_by: str
    price_level1: int | None = None
    price_proven: bool = False
    price_scope: str = "sak"
    displaced: list[str] = Field(default_factory=list)
    displaced_canonical: bool = False


class Ukp(_Del):
    """``ukp``: utskrivningsklare pasienter, days and cost in the horizon."""

    days: int
    cost_nok: int


class Validering(_Del):
    """``validation``: the independent check (``allokering.validator``)."""

    violations: list[str]
    ok: bool


class Resultat(_Del):
    """RESULT.json: the whole result of one run (docs/resultatformat.md). The field order is the JSON's key order."""

    format: str = RESULTATFORMAT
    engine_version: str
    status: Literal["OPTIMAL", "FEASIBLE"]
    synthetic: bool
    municipality: Kommune
    start_date: str
    """Dag 0 i planperioden (ISO 8601)."""
    horizon_days: int
    input_sha256: str
    objective: dict[str, Maalverdi]
    """Per nivå: ``plassering``, ``ektepar``, ``preferanser``, ``flyttinger``."""
    best_bound: int
    gap: float
    solve_seconds: float
    parameters: Parametre
    weights: Vekter
    priority_rules: list[Prioriteringsregel] = Field(default_factory=list)
    """Skrives alltid; standardverdien lar resultater lagret før feltet fantes (4.12.2026) leses."""
    families: list[Plassfamilie]
    assignments: list[Tildeling]
    waiting_list: list[Ventende]
    explanations: list[Forklaring]
    unit_marginal_value: dict[str, int]
    """Enhetens id → hvor mye nivå 1 ville økt med én ekstra plass."""
    couples: list[Ektepar]
    locks: list[Laas]
    ukp: Ukp
    validation: Validering | None = Field(default=None, exclude_if=mangler)
    """Den uavhengige kontrollen. None bare før kontrollen har gått (rett fra ``lag_resultat``); ``kjor`` og
    ``forslag`` setter den alltid."""

    def som_json(self) -> dict[str, Any]:
        """The JSON form (RESULT.json as a dict, keys in the documented order)."""
        return self.model_dump()
