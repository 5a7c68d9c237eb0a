package voipsign_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"

	voipsign "github.com/voipsign/voipsign/bindings/go"
)

// The worked example of WeChat's documentation.
func Example() {
	p := voipsign.Params{
		AppID:     "wx20afc706a711eefc",
		GroupID:   "1559129713_672975982",
		NonceStr:  "8AP6DT9ybtniUJfb",
		TimeStamp: 1559129714,
	}
	sig, err := voipsign.Sign(p, "gDyVgzwa0mFz9uUP7M6GQQ==") // session_key from code2Session
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sig)
	// Output: b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617
}

func ExampleSign() {
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "99", NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714}
	sig, err := voipsign.Sign(p, "gDyVgzwa0mFz9uUP7M6GQQ==")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sig)
	// Output: 939fa6e1dfadc6e32f4b20b2f5bc8db35ff34e8f19a89c8a511cb446ccd42189
}

func ExampleVerify() {
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "1559129713_672975982", NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714}
	ok, err := voipsign.Verify(p, "gDyVgzwa0mFz9uUP7M6GQQ==", "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617")
	fmt.Println(ok, err)
	ok, err = voipsign.Verify(p, "gDyVgzwa0mFz9uUP7M6GQQ==", "B002B824688DD8593A6079E11D8C5E8734FBCB39A6D5906EB347BFBCAD79C617")
	fmt.Println(ok, err)
	// Output:
	// true <nil>
	// false <nil>
}

func ExampleCanonical() {
	// The four values sorted as text (not as numbers) and joined: handy in logs.
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "1559129713_672975982", NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714}
	s, err := voipsign.Canonical(p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s)
	// Output: 1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc
}

func ExampleSignMany() {
	// One room, many members: each member's signature under their own session_key.
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "1559129713_672975982", NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714}
	sigs, err := voipsign.SignMany(p, []string{"gDyVgzwa0mFz9uUP7M6GQQ==", "hd6Ja/yM0kg/JbaZROpZFA=="})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sigs {
		fmt.Println(s)
	}
	// Output:
	// b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617
	// 0c430ad0aeeb5ec0c272d71e81b928e7f99b73721e8c60115a30d63b1372fe6d
}

func ExampleSessionSignature() {
	// WeChat's documented example of the user login state signature.
	sig, err := voipsign.SessionSignature("o0q0otL8aEzpcZL/FT9WsQ==", []byte(`{"foo":"bar"}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sig)

	// With an empty body: the signature GET /wxa/checksession takes.
	check, _ := voipsign.SessionSignature("o0q0otL8aEzpcZL/FT9WsQ==", nil)
	fmt.Println(check)
	// Output:
	// 654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b
	// 46e043c5525c2d817c44be603d30837a808a1d930d038f6fdc3e62a201fed128
}

func ExampleIssue() {
	ticket, err := voipsign.Issue("wx20afc706a711eefc", "1559129713_672975982", "gDyVgzwa0mFz9uUP7M6GQQ==", voipsign.RoomTypeVideo)
	if err != nil {
		log.Fatal(err)
	}
	// json.Marshal(ticket) is the object wx.joinVoIPChat takes, e.g.
	// {"groupId":"1559129713_672975982","nonceStr":"…","timeStamp":1559129714,"signature":"…","roomType":"video"}
	body, _ := json.Marshal(ticket)
	var fields map[string]any
	_ = json.Unmarshal(body, &fields)
	fmt.Println(len(fields), ticket.GroupID, ticket.RoomType, len(ticket.NonceStr))

	// The ticket verifies like any other signature.
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: ticket.GroupID, NonceStr: ticket.NonceStr, TimeStamp: ticket.TimeStamp}
	ok, _ := voipsign.Verify(p, "gDyVgzwa0mFz9uUP7M6GQQ==", ticket.Signature)
	fmt.Println(ok)
	// Output:
	// 5 1559129713_672975982 video 32
	// true
}

// Errors carry a stable code; test for it with errors.Is and the sentinels.
func Example_errors() {
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "1559129713_672975982", NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714000}
	_, err := voipsign.Sign(p, "gDyVgzwa0mFz9uUP7M6GQQ==")
	fmt.Println(errors.Is(err, voipsign.ErrInvalidTimestamp))

	var e *voipsign.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code)
	}
	fmt.Println(err)

	// The message never contains the session_key, so it is safe to log or return.
	_, err = voipsign.Sign(voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "1", NonceStr: "n", TimeStamp: 1}, "gDyVgzwa0mFz9uUP7M6GQQ==\n")
	fmt.Println(errors.Is(err, voipsign.ErrInvalidSessionKey))
	// Output:
	// true
	// INVALID_TIMESTAMP
	// voipsign: INVALID_TIMESTAMP: timeStamp 1559129714000 looks like milliseconds; pass seconds (1559129714)
	// true
}

// A net/http handler that gives the mini program a ticket for wx.joinVoIPChat.
func Example_httpHandler() {
	const appID = "wx20afc706a711eefc"
	// sessionKeyOf stands for your session store: the session_key code2Session
	// returned for this user. It never comes from (nor goes to) the client.
	sessionKeyOf := func(r *http.Request) string { return "gDyVgzwa0mFz9uUP7M6GQQ==" }

	handler := func(w http.ResponseWriter, r *http.Request) {
		ticket, err := voipsign.Issue(appID, r.URL.Query().Get("groupId"), sessionKeyOf(r), voipsign.RoomTypeVoice)
		switch {
		case errors.Is(err, voipsign.ErrInvalidGroupID), errors.Is(err, voipsign.ErrInvalidUTF8):
			http.Error(w, err.Error(), http.StatusBadRequest) // safe: no secret in it
			return
		case err != nil:
			log.Print(err)
			http.Error(w, "cannot sign", http.StatusInternalServerError)
			return
		}
		body, err := json.Marshal(ticket)
		if err != nil {
			http.Error(w, "cannot encode", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}

	rec := httptest.NewRecorder()
	handler(rec, httptest.NewRequest(http.MethodGet, "/voip/ticket?groupId=room-42", nil))
	var got map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"), keys, got["roomType"])

	rec = httptest.NewRecorder()
	handler(rec, httptest.NewRequest(http.MethodGet, "/voip/ticket", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 200 application/json [groupId nonceStr roomType signature timeStamp] voice
	// 400 voipsign: INVALID_GROUP_ID: groupId is empty; every room needs a groupId
}

// A signature WeChat rejected, made with the timestamp in milliseconds and
// upper-case hex: Diagnose names both mistakes and gives the right signature.
func ExampleDiagnose() {
	p := voipsign.Params{AppID: "wx20afc706a711eefc", GroupID: "1559129713_672975982", NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714}
	d, err := voipsign.Diagnose(p, "gDyVgzwa0mFz9uUP7M6GQQ==", "3A69ABC093A5D2A3CE5B545856137D01794994E9837907CD1D417607B48FCD87")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Verdict, d.Mistakes)
	fmt.Println(d.Expected)
	// Output:
	// MISTAKE_FOUND [TIMESTAMP_MILLISECONDS UPPERCASE_HEX]
	// b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617
}

func ExampleExplain() {
	// errCode and errMsg as wx.joinVoIPChat's fail callback received them.
	x, err := voipsign.Explain(-10088, "-10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(x.Cause)
	// Output: INVALID_SIGNATURE
}
