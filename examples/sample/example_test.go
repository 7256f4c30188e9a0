package sample_test

import (
	"fmt"

	"github.com/isms-go/iso27003/examples/sample"
)

func ExampleSystem() {
	sys, err := sample.System()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sys.Organization, len(sys.People), "people,", len(sys.Register.Risks), "risks,", len(sys.SoA.Entries), "SoA entries")
	// Output:
	// Invoxa Ltd 10 people, 25 risks, 93 SoA entries
}
