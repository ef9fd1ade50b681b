// Package committest checks a store's [store.RunCommitter]: settling a hold
// and recording its run in one write. Each backend's tests run it.
package committest
