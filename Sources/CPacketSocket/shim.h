#include <sys/socket.h>
#include <netpacket/packet.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <netinet/icmp6.h>
#include <netinet/tcp.h>
