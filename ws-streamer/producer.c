/*
 * producer.c: the producers a job can have, by the name its request
 * gives ("producer" in docs/protocol.md).  The one table that names
 * them: a new producer is a file of its own and a line here, and the
 * registry does not change.
 */
#include "core.h"

static const struct producer *const producers[] = {
	[JOBSPEC_FAKE] = &fake_producer,
	[JOBSPEC_EXTERNAL] = &external_producer
};

const struct producer *
producer_find(enum jobspec_producer kind)
{
	/* jobspec_parse() admits no other kind. */
	return producers[kind];
}
