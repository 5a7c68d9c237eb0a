// Command voipsign-demo prints the documentation's worked example computed by
// the Go binding, a freshly issued join ticket and an error, as a smoke test of
// the static libvoipsign link.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	voipsign "github.com/voipsign/voipsign/bindings/go"
)

func main() {
	const sessionKey = "gDyVgzwa0mFz9uUP7M6GQQ==" // the documentation's example key
	p := voipsign.Params{
		AppID:     "wx20afc706a711eefc",
		GroupID:   "1559129713_672975982",
		NonceStr:  "8AP6DT9ybtniUJfb",
		TimeStamp: 1559129714,
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	fmt.Println("libvoipsign", voipsign.Version())
	canonical, err := voipsign.Canonical(p)
	if err != nil {
		fail(err)
	}
	sig, err := voipsign.Sign(p, sessionKey)
	if err != nil {
		fail(err)
	}
	fmt.Println("canonical ", canonical)
	fmt.Println("signature ", sig)
	const want = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"
	if sig != want {
		fail(fmt.Errorf("the signature differs from the documentation's %s", want))
	}
	fmt.Println("matches the documentation's example")

	ticket, err := voipsign.Issue(p.AppID, p.GroupID, sessionKey, voipsign.RoomTypeVoice)
	if err != nil {
		fail(err)
	}
	body, err := json.Marshal(ticket)
	if err != nil {
		fail(err)
	}
	fmt.Println("ticket    ", string(body))

	p.TimeStamp *= 1000
	_, err = voipsign.Sign(p, sessionKey)
	fmt.Println("error     ", err)
	fmt.Println("errors.Is(err, voipsign.ErrInvalidTimestamp) =", errors.Is(err, voipsign.ErrInvalidTimestamp))
}
