// The README's Go example, built against the module from the proxy.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"

	voipsign "github.com/voipsign/voipsign/bindings/go"
)

func main() {
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "1559129713_672975982",
		NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714}
	sig, err := voipsign.Sign(p, "gDyVgzwa0mFz9uUP7M6GQQ==")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sig)

	ticket, err := voipsign.Issue("wx20afc706a711eefc", "room-42", "gDyVgzwa0mFz9uUP7M6GQQ==", voipsign.Voice)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := json.Marshal(ticket)
	fmt.Println("ticket", string(body))

	p.TimeStamp = 1559129714000
	if _, err := voipsign.Sign(p, "gDyVgzwa0mFz9uUP7M6GQQ=="); !errors.Is(err, voipsign.ErrInvalidTimestamp) {
		log.Fatalf("milliseconds: %v", err)
	}
	fmt.Println("error INVALID_TIMESTAMP; libvoipsign", voipsign.Version())
}
