<?php

use App\Http\Controllers\CheckoutController;
use App\Http\Controllers\OrderController;
use App\Http\Controllers\PhotoController;
use App\Http\Controllers\ProfileController;
use Illuminate\Support\Facades\Route;

Route::get('/', function () { // expect: entrypoints-php
    return view('welcome');
});

Route::get('/orders/{order}', [OrderController::class, 'show'])->name('orders.show'); // expect: entrypoints-php
Route::post('checkout', 'CheckoutController@store'); // expect: entrypoints-php
Route::match(['get', 'post'], '/contact', function () { // expect: entrypoints-php
    $span = \DDTrace\start_span();
    $span->name = 'contact.submit';
    \DDTrace\close_span();
    return back();
});
Route::view('/about', 'pages.about'); // expect: entrypoints-php

Route::resource('photos', PhotoController::class)->only(['index', 'show']); // expect: entrypoints-php

Route::prefix('account')->middleware('auth')->group(function () {
    Route::get('/profile', [ProfileController::class, 'edit']); // expect: entrypoints-php
    Route::patch('/profile', [ProfileController::class, 'update']); // expect: entrypoints-php

    Route::controller(OrderController::class)->group(function () {
        Route::get('/orders', 'index'); // expect: entrypoints-php
        Route::delete('/orders/{order}', 'destroy'); // expect: entrypoints-php
    });
});

Route::group(['prefix' => 'admin', 'middleware' => 'can:admin'], function () {
    Route::resource('photos.comments', PhotoCommentController::class)->except(['create', 'edit']); // expect: entrypoints-php
});

if (Route::has('login')) {
    Route::redirect('/signin', '/login');
}
