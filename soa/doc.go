// Package soa holds the ISO/IEC 27001 Annex A catalogs (the 2022 and the
// 2013 editions, plus the lineage from 2013 controls to 2022 controls) and
// the Statement of Applicability built on top of them.
//
// # Catalogs
//
// [Catalog2022] and [Catalog2013] return the built-in catalogs. They are
// parsed once, on first use, from CSV files embedded in the package, and
// carry only references: control identifiers, short titles, the grouping
// of each edition (themes for 2022; domains and control objectives for
// 2013) and, for 2022, the five attribute dimensions that ISO/IEC
// 27002:2022 attaches to every control. No requirement or guidance text
// from the standards is included; see data/README.md for the sources.
//
// A catalog is an immutable value. Every method returns fresh copies, so a
// caller can change what it gets back without affecting the catalog or
// other goroutines reading it.
//
// Identifiers follow the editions: "5.1" … "8.34" for 2022 (lookups also
// accept the "A.5.1" spelling) and "A.5.1.1" … "A.18.2.3" for 2013.
// [CompareControlIDs] orders identifiers naturally, so 5.2 comes before
// 5.10.
//
// # Custom controls
//
// Organizations often run controls that Annex A does not list, such as
// mobile device management. [NewCustomControl] creates one and
// [Catalog.WithCustom] returns a new catalog that contains it. Custom
// controls use their own identifier namespace, "C-" followed by letters,
// digits, '.', '_' or '-' (for example "C-MDM"), so they can never collide
// with an Annex A identifier of either edition.
//
// # Mapping between editions
//
// [Mapping2013To2022] records which 2022 controls descend from which 2013
// controls. A pair states lineage only: it does not claim that the two
// controls are equivalent, so a migrated Statement of Applicability still
// needs a person to review each decision.
//
// # Statement of Applicability
//
// A [Statement] has one [Entry] per control: included, excluded or still
// undecided, with its justification, implementation status, owner and
// last review. [Build] drafts one from a risk register: every control a
// treatment chose is included and justified by those risks, every other
// control is present and undecided. [Check] returns clause-cited
// findings (missing or undecided controls, unjustified decisions,
// contradictions with the treatment plan, overdue reviews); [Checks]
// lists them so that callers can disable or re-grade them by ID.
// [Migrate] carries a 2013 statement to 2022 along the mapping and
// reports every conflict and every new control. [Summarize] counts by
// decision, status, theme or domain and attribute. [WriteCSV],
// [ReadCSV] and [WriteMarkdown] export and import the statement; the
// justification travels in one cell in the form that
// [FormatJustification] writes and [ParseJustification] reads.
package soa
