// Package risk implements information security risk assessment and
// treatment as ISO/IEC 27003 explains ISO/IEC 27001 6.1.2, 6.1.3, 8.2 and
// 8.3: scales and criteria written by the organization (with its level,
// acceptance and priority rules in CEL), the risk register, treatment
// plans, repeatable assessments with explanations, comparison of
// assessments, quantitative loss, and heat maps.
//
// Criteria compile once into an immutable Engine that is safe for
// concurrent use. Nothing here reads a clock: every assessment is made
// "as of" an instant the caller gives.
package risk
