package voipsign_test

import (
	"context"
	"errors"
	"log"
	"os"
	"time"

	voipsign "github.com/voipsign/voipsign/bindings/go"
)

// One Redis ledger per process, shared by every request handler: every backend
// instance using the same server (or cluster) and key prefix sees the same
// rooms and the same daily quota. The URL (which may carry a password) comes
// from the environment; no error ever shows it.
func ExampleNewRedisLedger() {
	ledger, err := voipsign.NewRedisLedger(
		os.Getenv("VOIPSIGN_REDIS_URL"),                         // redis://:password@10.0.0.5:6379/0, redis+cluster://h1:7000,h2:7000
		voipsign.WithOnUnavailable(voipsign.OnUnavailableAllow), // Redis down: admit, flagged Degraded
		voipsign.WithCommandTimeout(100*time.Millisecond),
		voipsign.WithKeyPrefix("prod"),
	)
	if errors.Is(err, voipsign.ErrInvalidRedisURL) {
		log.Fatal("VOIPSIGN_REDIS_URL is malformed: ", err) // the message never contains the URL
	} else if err != nil {
		log.Fatal(err)
	}
	defer ledger.Close()

	// Each request's context: checked before the call, which is bounded by the
	// timeouts (a call in flight is not interrupted).
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	admission, ticket, err := ledger.AdmitAndIssue(ctx, "wx20afc706a711eefc", "room-42", "openid-alice",
		"gDyVgzwa0mFz9uUP7M6GQQ==", voipsign.RoomTypeVoice)
	switch {
	case errors.Is(err, voipsign.ErrRefusal): // ErrRoomFull, ErrDailyRoomLimit
		log.Print("refused: ", err)
	case errors.Is(err, voipsign.ErrOutage): // ErrLedgerUnavailable (WithOnUnavailable refuse)
		log.Print("try again later: ", err)
	case err != nil:
		log.Fatal(err)
	case admission.Degraded:
		log.Print("the ledger's Redis is unreachable: admitted without counting")
	}
	_ = ticket // json.Marshal(ticket) for wx.joinVoIPChat
}
