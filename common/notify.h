/*
 * notify.h: what a daemon tells its service manager (sd_notify(3)):
 * that it is ready, reloading or stopping.  Without NOTIFY_SOCKET (not
 * started by systemd with Type=notify) every call does nothing.
 */
#ifndef MS_NOTIFY_H
#define MS_NOTIFY_H

/*
 * READY=1: the daemon serves.  status, if not NULL, is a line for
 * systemctl status ("STATUS=").  Also ends a reload.
 */
void	notify_ready(const char *status);

/* RELOADING=1: a reload began; notify_ready() says when it is done. */
void	notify_reloading(void);

/* STOPPING=1: the daemon is shutting down. */
void	notify_stopping(void);

#endif
