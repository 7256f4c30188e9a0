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
//
// # Entry points
//
//   - Default5x5 and Default3x3 return ready-made criteria;
//     Criteria.Validate reports every problem of one's own at once, with
//     field paths, and checks the level rule on every cell of the grid.
//   - Compile turns criteria into an Engine. Rules that depend only on the
//     grid cell or on the risk level are tabulated, so that rating a risk
//     is a lookup; the others run as CEL under a cost limit.
//   - Engine.Rate evaluates one rating; Engine.Assess a whole register,
//     in parallel, into an Assessment in treatment-priority order whose
//     every evaluation explains itself (inputs, cell, how each result was
//     found, criteria ID and version) and which records the criteria's
//     Fingerprint. Engine.ValidateRegister runs the register checks alone.
//   - Compare reports what changed between two assessments, including a
//     change of criteria.
//   - Engine.Plan gives the treatment plan view with overdue actions.
//   - Engine.HeatMap counts risks per cell; HeatMap.WriteText and
//     HeatMap.WriteSVG render it.
//
// Results are deterministic: the same register and criteria give the same
// JSON, byte for byte, whatever the order of the risks and the number of
// goroutines.
package risk
