package voipsign

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const diagnoseVectorsPath = "../../tests/vectors/diagnose.json"

type diagnoseFile struct {
	Diagnose []struct {
		vectorCase
		OtherSessionKeys []string  `json:"otherSessionKeys"`
		Verdict          Verdict   `json:"verdict"`
		Mistakes         []Mistake `json:"mistakes"`
	} `json:"diagnose"`
	Explain []struct {
		ErrCode int64  `json:"errCode"`
		ErrMsg  string `json:"errMsg"`
		Cause   Cause  `json:"cause"`
	} `json:"explain"`
}

func loadDiagnoseVectors(t *testing.T) diagnoseFile {
	t.Helper()
	data, err := os.ReadFile(diagnoseVectorsPath)
	if err != nil {
		t.Fatalf("loading %s: %v", diagnoseVectorsPath, err)
	}
	var f diagnoseFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", diagnoseVectorsPath, err)
	}
	if len(f.Diagnose) == 0 || len(f.Explain) == 0 {
		t.Fatalf("%s: a section is empty", diagnoseVectorsPath)
	}
	return f
}

func TestVectorDiagnose(t *testing.T) {
	f := loadDiagnoseVectors(t)
	for _, c := range f.Diagnose {
		t.Run(c.Name, func(t *testing.T) {
			p := c.params()
			d, err := Diagnose(p, c.SessionKey, c.Signature, c.OtherSessionKeys...)
			if err != nil {
				t.Fatalf("Diagnose: %v", err)
			}
			if d.Verdict != c.Verdict {
				t.Errorf("verdict %s, want %s", d.Verdict, c.Verdict)
			}
			if c.Mistakes == nil {
				c.Mistakes = []Mistake{}
			}
			if strings.Join(mistakeNames(d.Mistakes), ",") != strings.Join(mistakeNames(c.Mistakes), ",") || d.Mistakes == nil {
				t.Errorf("mistakes %v, want %v", d.Mistakes, c.Mistakes)
			}
			if d.Message == "" {
				t.Error("empty message")
			}
			seconds := p
			if seconds.TimeStamp > 9999999999 {
				seconds.TimeStamp /= 1000
			}
			if want, _ := Sign(seconds, c.SessionKey); d.Expected != want {
				t.Errorf("expected %q, want %q", d.Expected, want)
			}
			if want, _ := Canonical(seconds); d.Canonical != want {
				t.Errorf("canonical %q, want %q", d.Canonical, want)
			}
			out, _ := json.Marshal(d)
			for _, key := range append([]string{c.SessionKey}, c.OtherSessionKeys...) {
				if strings.Contains(string(out), key) {
					t.Errorf("the diagnosis contains a session key: %s", out)
				}
			}
		})
	}
}

func mistakeNames(ms []Mistake) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

func TestDiagnoseErrors(t *testing.T) {
	_, err := Diagnose(docParams, "gDyVgzwa0mFz9uUP7M6GQQ==\n", docSig)
	checkCode(t, "Diagnose(bad key)", err, "INVALID_SESSION_KEY", "gDyVgzwa0mFz9uUP7M6GQQ==\n")
	bad := "hd6Ja/yM0kg/JbaZROpZFA"
	_, err = Diagnose(docParams, docKey, docSig, "KFwBJQ9lvU1gFhk1q40qlg==", bad)
	checkCode(t, "Diagnose(bad other key)", err, "INVALID_SESSION_KEY", bad)
	if err != nil && !strings.Contains(err.Error(), "[1]") {
		t.Errorf("the error does not give the key's index: %v", err)
	}
	p := docParams
	p.AppID = ""
	_, err = Diagnose(p, docKey, docSig)
	checkCode(t, "Diagnose(empty appId)", err, "INVALID_APP_ID", docKey)
}

func TestVectorExplain(t *testing.T) {
	f := loadDiagnoseVectors(t)
	for _, c := range f.Explain {
		x, err := Explain(c.ErrCode, c.ErrMsg)
		if err != nil {
			t.Errorf("Explain(%d, %q): %v", c.ErrCode, c.ErrMsg, err)
			continue
		}
		if x.Cause != c.Cause || x.Meaning == "" || x.Action == "" {
			t.Errorf("Explain(%d, %q) = %+v, want cause %s", c.ErrCode, c.ErrMsg, x, c.Cause)
		}
	}
	_, err := Explain(-1000, "bad \xff utf-8")
	checkCode(t, "Explain(invalid UTF-8)", err, "INVALID_UTF8", "")
}
