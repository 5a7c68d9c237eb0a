package voipsign

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// explainWithFile is the "explainWith" and "explainWithInvalid" sections of
// tests/vectors/diagnose.json; each context is decoded into ExplainContext as a
// Go user's JSON would be (unknown fields refused).
type explainWithFile struct {
	ExplainWith []struct {
		ErrCode   int64           `json:"errCode"`
		ErrMsg    string          `json:"errMsg"`
		Context   json.RawMessage `json:"context"`
		Cause     Cause           `json:"cause"`
		InMeaning string          `json:"inMeaning"`
	} `json:"explainWith"`
	ExplainWithInvalid []struct {
		Context   json.RawMessage `json:"context"`
		Code      string          `json:"code"`
		InMessage string          `json:"inMessage"`
	} `json:"explainWithInvalid"`
}

func decodeContext(raw json.RawMessage) (ExplainContext, error) {
	var ctx ExplainContext
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	err := d.Decode(&ctx)
	return ctx, err
}

func TestVectorExplainWith(t *testing.T) {
	data, err := os.ReadFile(diagnoseVectorsPath)
	if err != nil {
		t.Fatal(err)
	}
	var f explainWithFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.ExplainWith) < 8 || len(f.ExplainWithInvalid) < 5 {
		t.Fatalf("%s: the explainWith sections are short", diagnoseVectorsPath)
	}
	for _, c := range f.ExplainWith {
		ctx, err := decodeContext(c.Context)
		if err != nil {
			t.Fatalf("%s: %v", c.Context, err)
		}
		x, err := ExplainWith(c.ErrCode, c.ErrMsg, ctx)
		if err != nil || x.Cause != c.Cause || !strings.Contains(x.Meaning, c.InMeaning) {
			t.Errorf("ExplainWith(%d, %q, %s) = %+v, %v; want %s with %q", c.ErrCode, c.ErrMsg, c.Context, x, err, c.Cause, c.InMeaning)
		}
	}
	refused := 0
	for _, c := range f.ExplainWithInvalid {
		ctx, err := decodeContext(c.Context)
		if err != nil {
			// A wrong type or an unknown field: Go's types refuse it before the library.
			continue
		}
		refused++
		_, err = ExplainWith(-1, "", ctx)
		if !errors.Is(err, ErrInvalidContext) || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), c.InMessage) {
			t.Errorf("ExplainWith(%s): %v; want INVALID_CONTEXT naming %s", c.Context, err, c.InMessage)
		}
	}
	if refused < 2 {
		t.Errorf("only %d invalid contexts reached the library", refused)
	}
}

func TestExplainWithoutContext(t *testing.T) {
	plain, err := Explain(-1, "")
	if err != nil {
		t.Fatal(err)
	}
	x, err := ExplainWith(-1, "", ExplainContext{})
	if err != nil || x != plain {
		t.Errorf("ExplainWith with an empty context = %+v, %v; want %+v", x, err, plain)
	}
	x, err = ExplainWith(-1, "", ExplainContext{GroupID: Ptr("room-2"), SeatedElsewhere: Ptr("room-1")})
	if err != nil || x.Cause != CauseSeatedElsewhere {
		t.Errorf("seated elsewhere: %+v, %v", x, err)
	}
}
