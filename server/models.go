package server

import (
	"net/http"

	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/server/openai"
)

// handleModels lists "baton", "baton:<policy>" for every registered
// policy, and the pass-through models.
func (s *Server) handleModels(w http.ResponseWriter, _ *http.Request) {
	list := openai.ModelList{Object: "list", Data: []openai.Model{{ID: "baton", Object: "model", OwnedBy: "baton"}}}
	for _, k := range policy.Kinds() {
		list.Data = append(list.Data, openai.Model{ID: "baton:" + k.Name, Object: "model", OwnedBy: "baton"})
	}
	for _, n := range s.modelNames {
		list.Data = append(list.Data, openai.Model{ID: n, Object: "model", OwnedBy: s.models[n].Provider})
	}
	writeJSON(w, http.StatusOK, list)
}
