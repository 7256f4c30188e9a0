package impure

import (
	"log"
	"net/http"
	"os"
	"time"
)

var _ = http.MethodGet

func f() {
	_ = time.Now()
	log.Print(os.Args)
}
