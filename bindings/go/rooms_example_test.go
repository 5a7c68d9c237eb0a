package voipsign_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	voipsign "github.com/voipsign/voipsign/bindings/go"
)

// A backend's room flow: AdmitAndIssue when a user joins (the ticket goes to
// wx.joinVoIPChat), Heartbeat every 15 s while the phone is in the call, Sync
// with the list wx.onVoIPChatMembersChanged reports, Leave on wx.exitVoIPChat.
// The ledger refuses the third member of a two-seat room by name, before WeChat
// would.
func ExampleLedger() {
	const appID, groupID = "wx20afc706a711eefc", "1559129713_672975982"
	// sessionKeyOf stands for your session store (code2Session's session_key).
	sessionKeyOf := func(openID string) string { return "gDyVgzwa0mFz9uUP7M6GQQ==" }

	ledger, err := voipsign.NewMemoryLedger(voipsign.WithCapacity(2)) // the rest: WeChat's defaults
	if err != nil {
		log.Fatal(err)
	}
	defer ledger.Close()
	ctx := context.Background() // a request's context

	// POST /voip/join: admit, then hand the ticket to the phone.
	join := func(openID string) {
		admission, ticket, err := ledger.AdmitAndIssue(ctx, appID, groupID, openID, sessionKeyOf(openID), voipsign.RoomTypeVoice)
		switch {
		case errors.Is(err, voipsign.ErrRoomFull):
			fmt.Println(openID, "refused: the room is full")
			return
		case errors.Is(err, voipsign.ErrDailyRoomLimit):
			fmt.Println(openID, "refused: no more rooms today")
			return
		case err != nil:
			log.Fatal(err) // safe to log: no message contains the session_key
		}
		if admission.QuotaWarning {
			log.Printf("%d of %d rooms opened today", admission.RoomsToday, admission.DailyRoomLimit)
		}
		fmt.Println(openID, "joins; opened:", admission.Opened, "members:", admission.Members, "ticket for", ticket.GroupID)
	}
	join("alice")
	join("bob")
	join("carol")

	// POST /voip/heartbeat, every 15 s: ErrNotAdmitted means "join again".
	expires, err := ledger.Heartbeat(ctx, appID, groupID, "alice")
	fmt.Println("alice's seat is held:", err == nil && time.Until(expires.Time()) > 0)

	// POST /voip/members, from wx.onVoIPChatMembersChanged's openIdList.
	room, err := ledger.Sync(ctx, appID, groupID, []string{"alice", "bob"})
	fmt.Println("in the room:", len(room.Members), room.Live, err)

	// POST /voip/leave, on wx.exitVoIPChat (and when the page unloads).
	left, _ := ledger.Leave(ctx, appID, groupID, "alice")
	_, err = ledger.Heartbeat(ctx, appID, groupID, "alice")
	fmt.Println("alice left:", left, errors.Is(err, voipsign.ErrNotAdmitted))
	join("carol")

	usage, _ := ledger.Usage(ctx, appID)
	fmt.Println("rooms opened today:", usage.Openings, "of", usage.DailyRoomLimit, "refused as full:", usage.RefusedRoomFull)
	// Output:
	// alice joins; opened: true members: 1 ticket for 1559129713_672975982
	// bob joins; opened: false members: 2 ticket for 1559129713_672975982
	// carol refused: the room is full
	// alice's seat is held: true
	// in the room: 2 true <nil>
	// alice left: true true
	// carol joins; opened: false members: 2 ticket for 1559129713_672975982
	// rooms opened today: 1 of 100000 refused as full: 1
}

// An operator's view: every live room of the app, page by page (Next is the
// after of the next page, nil on the last one), and the day's counters with the
// live totals. WithMemberDailyOpenings caps the rooms one account may open a
// day, so that a script asking for random groupIds cannot burn the app's quota.
func ExampleLedger_Rooms() {
	const appID = "wx20afc706a711eefc"
	ledger, err := voipsign.NewMemoryLedger(voipsign.WithMemberDailyOpenings(2))
	if err != nil {
		log.Fatal(err)
	}
	defer ledger.Close()
	ctx := context.Background()
	at := time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC) // the ...At variants pin the clock

	for i, groupID := range []string{"match-42", "match-7", "match-100", "match-42"} {
		member := []string{"alice", "bob", "carol", "dave"}[i]
		if _, err := ledger.AdmitAt(ctx, appID, groupID, member, at); err != nil {
			log.Fatal(err)
		}
	}
	// A script behind one openid: its third new room of the day is refused.
	for _, groupID := range []string{"random-1", "random-2", "random-3"} {
		_, err := ledger.AdmitAt(ctx, appID, groupID, "mallory", at)
		if errors.Is(err, voipsign.ErrMemberDailyLimit) {
			fmt.Println(groupID, "refused:", errors.Is(err, voipsign.ErrRefusal))
		}
	}

	var after *string // nil: from the first room
	for {
		page, err := ledger.RoomsAt(ctx, appID, 2, after, at)
		if err != nil {
			log.Fatal(err)
		}
		for _, r := range page.Rooms {
			fmt.Printf("%s: %d of %d seats, since %s\n", r.GroupID, r.Seats, r.Capacity, r.OpenedAt.Time().UTC().Format(time.TimeOnly))
		}
		if page.Next == nil {
			break
		}
		after = page.Next
	}

	u, err := ledger.UsageAt(ctx, appID, at)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("openings:", u.Openings, "admissions:", u.Admissions, "refused (member limit):", u.RefusedMemberLimit,
		"live:", *u.LiveRooms, "rooms,", *u.LiveSeats, "seats")
	// Output:
	// random-3 refused: true
	// match-100: 1 of 10 seats, since 12:00:00
	// match-42: 2 of 10 seats, since 12:00:00
	// match-7: 1 of 10 seats, since 12:00:00
	// random-1: 1 of 10 seats, since 12:00:00
	// random-2: 1 of 10 seats, since 12:00:00
	// openings: 5 admissions: 6 refused (member limit): 1 live: 5 rooms, 6 seats
}

// Options in Go: one With… function per option; an option not given is the
// library's default, a given one (0 included) is the value itself.
func ExampleOption() {
	ledger, err := voipsign.NewMemoryLedger(
		voipsign.WithCapacity(4),                // seats per room (WeChat allows 10)
		voipsign.WithReserveTTL(30*time.Second), // time for the phone to call wx.joinVoIPChat
		voipsign.WithDayOffsetMinutes(0),        // count the quota's days in UTC, not Beijing time
	)
	if err != nil {
		log.Fatal(err)
	}
	defer ledger.Close()
	ctx := context.Background()
	at := time.Date(2024, 7, 1, 20, 0, 0, 0, time.UTC) // July 2nd, 04:00 in Beijing
	a, _ := ledger.AdmitAt(ctx, "wx20afc706a711eefc", "room-1", "alice", at)
	u, _ := ledger.UsageAt(ctx, "wx20afc706a711eefc", at)
	fmt.Println(a.LeaseExpiresAt.Time().UTC().Format(time.TimeOnly), time.Unix(u.Day*86400, 0).UTC().Format(time.DateOnly))

	_, err = voipsign.NewMemoryLedger(voipsign.WithCapacity(11))
	fmt.Println(err, errors.Is(err, voipsign.ErrInput))
	// Output:
	// 20:00:30 2024-07-01
	// voipsign: INVALID_RULES: capacity is 11; it must be 1-10 (WeChat seats at most 10 people in a room) true
}
