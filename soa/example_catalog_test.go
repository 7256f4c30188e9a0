package soa_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/isms-go/iso27003/soa"
)

// Look up a control by ID. The 2022 catalog accepts both "8.16" and the
// "A.8.16" spelling; the result always carries the canonical ID.
func ExampleCatalog_Control() {
	c := soa.Catalog2022()
	ctl, ok := c.Control("A.8.16")
	if !ok {
		fmt.Println("not found")
		return
	}
	fmt.Println(ctl.ID, ctl.Title)
	fmt.Println("theme:", ctl.Theme)
	fmt.Println("control types:", strings.Join(ctl.Attributes.ControlTypes, ", "))

	old, _ := soa.Catalog2013().Control("A.12.4.1")
	fmt.Printf("%s %s (%s, %s)\n", old.ID, old.Title, old.DomainTitle, old.ObjectiveTitle)
	// Output:
	// 8.16 Monitoring activities
	// theme: Technological
	// control types: Detective, Corrective
	// A.12.4.1 Event logging (Operations security, Logging and monitoring)
}

// Find every control that detects problems affecting availability.
// Values within one dimension are alternatives; dimensions are combined.
func ExampleCatalog_Filter() {
	detective := soa.Catalog2022().Filter(soa.AttributeFilter{
		ControlTypes:       []string{"Detective"},
		SecurityProperties: []string{"Availability"},
	})
	for _, ctl := range detective {
		fmt.Println(ctl.ID, ctl.Title)
	}
	// Output:
	// 5.7 Threat intelligence
	// 5.25 Assessment and decision on information security events
	// 6.8 Information security event reporting
	// 7.4 Physical security monitoring
	// 7.11 Supporting utilities
	// 8.6 Capacity management
	// 8.7 Protection against malware
	// 8.15 Logging
	// 8.16 Monitoring activities
	// 8.20 Networks security
	// 8.30 Outsourced development
}

// Follow controls from the 2013 edition to the 2022 edition and back.
func ExampleMapping2013To2022() {
	m := soa.Mapping2013To2022()
	fmt.Println("A.18.2.3 ->", m.Successors("A.18.2.3"))
	fmt.Println("5.15 <-", m.Predecessors("5.15"))
	fmt.Println("new in 2022:", m.NewIn2022())
	fmt.Println("pairs:", len(m.Pairs()))
	// Output:
	// A.18.2.3 -> [5.36 8.8]
	// 5.15 <- [A.9.1.1 A.9.1.2]
	// new in 2022: [5.7 5.23 5.30 7.4 8.9 8.10 8.11 8.12 8.16 8.23 8.28]
	// pairs: 115
}

// Add an organization's own control to the catalog. Custom IDs start with
// "C-", so they never clash with Annex A.
func ExampleCatalog_WithCustom() {
	mdm, err := soa.NewCustomControl("C-MDM", "Mobile device management",
		"Company data on phones and tablets only on enrolled devices.")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := soa.Catalog2022().WithCustom(mdm)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctl, _ := c.Control("C-MDM")
	fmt.Println(c.Len(), ctl.ID, ctl.Title, ctl.Custom)

	// Every problem is reported at once.
	_, err = c.WithCustom(
		soa.Control{ID: "MDM-2", Title: "Second MDM"},
		soa.Control{ID: "C-MDM"},
	)
	fmt.Println(err)
	fmt.Println(errors.Is(err, soa.ErrDuplicateControl))
	// Output:
	// 94 C-MDM Mobile device management true
	// controls[0].id "MDM-2": soa: invalid custom control ID: a custom ID is "C-" followed by letters, digits, '.', '_' or '-'
	// controls[1].id "C-MDM": soa: duplicate control ID: the catalog already has it
	// controls[1].title: soa: empty control title
	// true
}

// Sort control IDs the way the standard lists them.
func ExampleCompareControlIDs() {
	ids := []string{"5.10", "C-MDM", "8.1", "5.2", "A.18.1.1", "A.5.1.2"}
	slices.SortFunc(ids, soa.CompareControlIDs)
	fmt.Println(ids)
	// Output:
	// [5.2 5.10 8.1 A.5.1.2 A.18.1.1 C-MDM]
}
