// Package iso27003 is the overview of a library that turns the ISO/IEC
// 27003 guidance on the ISO/IEC 27001 management-system clauses (4 to 10)
// into code. It has no logic of its own; the work is done by the packages
// below, each importing only those beneath it:
//
//	isms   the typed clause model (4–10) and the built-in conformance
//	       rules; Check turns a system snapshot into a report of findings
//	soa    the Annex A catalogs (2022, 2013 and the mapping between them)
//	       and the Statement of Applicability: build, check, migrate, export
//	risk   scales, criteria, the risk register, treatment, assessment,
//	       comparison, quantitative loss and heat maps
//	rules  the CEL layer: environments with exact decimals and clock-free
//	       time helpers, bounded programs, rules, findings and severities
//
// The library does no I/O: callers load their data, hand it over, and get
// results back. Every evaluation instant is passed in ("as of"), every
// quantity is a decimal.Decimal, every expression runs under a cost
// limit and a context, and results are sorted so that the same input
// gives the same output on every run and machine.
//
// Clause numbers, control identifiers and short control titles are used
// as references; the standards' text is not reproduced.
package iso27003
