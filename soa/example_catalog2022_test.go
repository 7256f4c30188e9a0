package soa_test

import (
	"fmt"

	"github.com/isms-go/iso27003/soa"
)

func ExampleCatalog2022() {
	cat := soa.Catalog2022()
	fmt.Println(cat.Edition(), "controls:", cat.Len())
	counts := map[string]int{}
	for _, c := range cat.Controls() {
		counts[c.Theme]++
	}
	for _, theme := range cat.Themes() {
		fmt.Println(theme, counts[theme])
	}
	c, _ := cat.Control("A.5.10") // either spelling
	fmt.Println(c.ID, c.Title)
	// Output:
	// 2022 controls: 93
	// Organizational 37
	// People 8
	// Physical 14
	// Technological 34
	// 5.10 Acceptable use of information and other associated assets
}
