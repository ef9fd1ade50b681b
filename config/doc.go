// Package config reads baton.yaml and the environment. It is the one place
// that does: flags and the file fill the same [Config] struct, [Parse]
// decodes strictly (an unknown key is an error), [Config.Defaults] fills
// defaults in one place and [Config.Validate] checks the result. Secrets are
// never read from the file; tools name the environment variables holding
// them.
package config
