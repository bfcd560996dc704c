console.log('notifications worker')
