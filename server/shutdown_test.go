package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/server"
)

func TestShutdownDrains(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, func(r chattest.Request) chattest.Reply {
		<-release
		return defaultReply(r)
	})
	status, body, _ := e.do("POST", "/v1/runs", `{"prompt":"finish me"}`)
	if status != http.StatusAccepted {
		t.Fatalf("%d %s", status, body)
	}
	var v server.RunView
	_ = json.Unmarshal(body, &v)
	for len(e.up.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	drained := make(chan error)
	go func() { drained <- e.srv.Shutdown(context.Background()) }()
	// While draining: not ready, and no new runs.
	for {
		if status, _, _ := e.do("GET", "/readyz", ""); status == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if status, body, _ := e.do("POST", "/v1/runs", `{"prompt":"too late"}`); status != http.StatusServiceUnavailable {
		t.Errorf("new run while draining: %d %s", status, body)
	}
	close(release)
	if err := <-drained; err != nil {
		t.Fatal(err)
	}
	run, err := e.store.GetRun(context.Background(), v.ID)
	if err != nil || run.Status != "answered" {
		t.Fatalf("drained run: %+v %v", run.Status, err)
	}
}

func TestShutdownDeadlineCancels(t *testing.T) {
	e := newEnv(t, func(chattest.Request) chattest.Reply { return chattest.Reply{Content: "never", Delay: time.Hour} })
	status, body, _ := e.do("POST", "/v1/runs", `{"prompt":"never finishes"}`)
	if status != http.StatusAccepted {
		t.Fatalf("%d %s", status, body)
	}
	var v server.RunView
	_ = json.Unmarshal(body, &v)
	for len(e.up.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has passed already
	if err := e.srv.Shutdown(ctx); err == nil {
		t.Fatal("Shutdown past its deadline reported a clean drain")
	}
	run, err := e.store.GetRun(context.Background(), v.ID)
	if err != nil || run.Status != "cancelled" {
		t.Fatalf("run after forced shutdown: %s %v", run.Status, err)
	}
	sp, _ := e.store.Spent(context.Background(), e.key.ID)
	if sp.Held != 0 {
		t.Errorf("held %s after shutdown", sp.Held)
	}
}
